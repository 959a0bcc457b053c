package dev.packetwalk.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;

import dev.packetwalk.engine.Engine;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioHeader;
import dev.packetwalk.scenario.ScenarioCompiler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The built-in scenarios ({@code classpath:scenarios/*.yaml}), compiled in the background
 * so the web server need not wait for them (the catalogue is listed from their
 * {@link #headers()} meanwhile): every file is a task, run in parallel on a small pool
 * (one thread per core) from {@link #start}, and run at once on the caller's thread by
 * the first request that needs it before the pool got to it (a task runs once; a second
 * caller waits for the first). {@link #ready()} is true when every one is compiled.
 * <p>
 * A built-in's id is its file name without {@code .yaml} (checked at compile time), so a
 * request for one id waits for that scenario alone. One that does not compile is a build
 * error (the tests compile them all); here it fails the requests that need it and is
 * logged.
 * <p>
 * {@link #shared()} is the one of the process: the application starts its warm-up once
 * the web server answers ({@code CatalogWarmup}), so the catalogue compiles after
 * Spring's own startup instead of competing with it for the CPU; until then the catalogue
 * is listed from the headers, and a request for a scenario compiles it.
 */
public final class BuiltInScenarios {

	private static final Logger log = LoggerFactory.getLogger(BuiltInScenarios.class);

	private static BuiltInScenarios shared;

	private final Map<String, FutureTask<ScenarioCatalog.Entry>> tasks = new LinkedHashMap<>();

	private final Map<String, Resource> files = new LinkedHashMap<>();

	/** Every built-in's catalogue line, read once without compiling; null until asked. */
	private volatile Map<String, ScenarioHeader> headers;

	private final CompletableFuture<Void> done = new CompletableFuture<>();

	private boolean started;

	/**
	 * The process's built-ins: listed, compiled on demand, and all of them once
	 * {@link #start()} is called.
	 */
	public static synchronized BuiltInScenarios shared() {
		if (shared == null) {
			shared = new BuiltInScenarios();
		}
		return shared;
	}

	/**
	 * Starts compiling every built-in on {@code executor} (null: a pool of one daemon
	 * thread per core, shut down when all are compiled).
	 */
	public BuiltInScenarios(Executor given) {
		this();
		start(given);
	}

	/**
	 * Another instance in the state {@link #shared()} is in before its warm-up (tests).
	 */
	static BuiltInScenarios unstarted() {
		return new BuiltInScenarios();
	}

	/**
	 * Every built-in, listed, none compiled until {@link #start} or a request needs it.
	 */
	private BuiltInScenarios() {
		Resource[] resources;
		try {
			resources = new PathMatchingResourcePatternResolver().getResources("classpath*:scenarios/*.yaml");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list the built-in scenarios", ex);
		}
		Arrays.sort(resources, Comparator.comparing(Resource::getFilename));
		for (Resource r : resources) {
			String file = r.getFilename();
			String id = file.substring(0, file.length() - ".yaml".length());
			tasks.put(id, new FutureTask<>(() -> compile(id, r)));
			files.put(id, r);
		}
	}

	/**
	 * The process's warm-up: compile every built-in not compiled yet in the background,
	 * one daemon thread per core (the first call starts it; later calls do nothing). The
	 * application calls it once its web server answers, so the warm-up never competes
	 * with Spring's own startup for the CPU ({@code docs/performance.md}, "Startup").
	 */
	public void start() {
		start(null);
	}

	private synchronized void start(Executor given) {
		if (started) {
			return;
		}
		started = true;
		long from = System.nanoTime();
		ExecutorService own = null;
		if (given == null) {
			AtomicInteger n = new AtomicInteger();
			own = Executors.newFixedThreadPool(
					Math.max(1, Math.min(tasks.size(), Runtime.getRuntime().availableProcessors())), r -> {
						Thread t = new Thread(r, "catalog-warmup-" + n.incrementAndGet());
						t.setDaemon(true);
						return t;
					});
		}
		Executor executor = given == null ? own : given;
		List<CompletableFuture<Void>> each = tasks.values()
			.stream()
			.map(task -> CompletableFuture.runAsync(task, executor))
			.toList();
		ExecutorService pool = own;
		CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).whenComplete((v, ex) -> {
			if (pool != null) {
				pool.shutdown();
			}
			log.info("Compiled {} built-in scenarios in {} ms", tasks.size(), (System.nanoTime() - from) / 1_000_000);
			if (ex == null) {
				done.complete(null);
			}
			else {
				done.completeExceptionally(ex);
			}
		});
	}

	private static String text(Resource r) throws IOException {
		try (InputStream in = r.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static ScenarioCatalog.Entry compile(String id, Resource r) throws IOException {
		String text = text(r);
		// built-in scenarios are trusted and checked by the build: the default limits,
		// whatever is configured
		CompiledScenario s = new ScenarioCompiler().compileTrusted(r.getFilename(), text);
		if (!s.id().equals(id)) {
			throw new IllegalStateException("Built-in scenario " + r.getFilename() + " is named '" + s.id()
					+ "'; a built-in's metadata.name must equal its file name without .yaml");
		}
		return new ScenarioCatalog.Entry(id, s, new Engine(s.scenario()), List.of(), ScenarioCatalog.Origin.BUILT_IN,
				r.getFilename());
	}

	/**
	 * Every built-in's catalogue line by id, in file order, from its metadata alone
	 * (nothing is compiled for it: {@link ScenarioHeader#read}); read once. The build
	 * compiles every built-in, and {@code TrustedCompileTest} checks that each line is
	 * the compiled scenario's.
	 */
	public Map<String, ScenarioHeader> headers() {
		Map<String, ScenarioHeader> out = headers;
		if (out == null) {
			Map<String, ScenarioHeader> read = new LinkedHashMap<>();
			files.forEach((id, r) -> {
				try {
					read.put(id, ScenarioHeader.read(r.getFilename(), text(r)));
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Cannot read the built-in scenario " + r.getFilename(), ex);
				}
			});
			out = java.util.Collections.unmodifiableMap(read);
			headers = out;
		}
		return out;
	}

	/** Whether a built-in has this id (known before anything is compiled). */
	public boolean has(String id) {
		return tasks.containsKey(id);
	}

	/**
	 * The built-in with this id, compiled now on this thread if nobody has started it
	 * yet, else waited for.
	 */
	public Optional<ScenarioCatalog.Entry> get(String id) {
		FutureTask<ScenarioCatalog.Entry> task = tasks.get(id);
		return task == null ? Optional.empty() : Optional.of(await(task));
	}

	/**
	 * Every built-in by id, in file order (waits for, or compiles, those not ready yet).
	 */
	public Map<String, ScenarioCatalog.Entry> all() {
		Map<String, ScenarioCatalog.Entry> out = new LinkedHashMap<>();
		tasks.forEach((id, task) -> out.put(id, await(task)));
		return out;
	}

	/**
	 * True once every built-in is compiled (by the pool or by the requests that needed
	 * them first).
	 */
	public boolean ready() {
		return tasks.values().stream().allMatch(FutureTask::isDone);
	}

	/**
	 * Completes when the pool has gone through every built-in (each compiled by it or,
	 * earlier, by a request).
	 */
	public CompletableFuture<Void> whenReady() {
		return done.copy();
	}

	private static ScenarioCatalog.Entry await(FutureTask<ScenarioCatalog.Entry> task) {
		task.run(); // returns at once when already run or running elsewhere
		try {
			return task.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for a built-in scenario", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("A built-in scenario does not compile: " + ex.getCause().getMessage(),
					ex.getCause());
		}
	}

}
