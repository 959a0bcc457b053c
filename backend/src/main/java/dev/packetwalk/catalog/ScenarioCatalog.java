package dev.packetwalk.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.packetwalk.budget.Budget;
import dev.packetwalk.config.LimitsProperties;
import dev.packetwalk.engine.Engine;
import dev.packetwalk.config.ScenariosProperties;
import dev.packetwalk.scenario.CompiledScenario;
import dev.packetwalk.scenario.ScenarioCompiler;
import dev.packetwalk.scenario.ScenarioException;
import dev.packetwalk.scenario.ScenarioHeader;
import dev.packetwalk.scenario.ScenarioLimits;
import dev.packetwalk.scenario.ScenarioProblem;
import dev.packetwalk.trace.Trace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The scenarios: the built-in ones from {@code classpath:scenarios/*.yaml}, compiled
 * once, in the background from startup on ({@link BuiltInScenarios}: a request for one
 * not compiled yet waits for that one; the build's tests guarantee they all compile),
 * and, when {@code packetwalk.scenarios.dir} is set, the {@code *.yaml} files of that
 * directory. Local files are checked for changes every {@code poll-interval}; a changed
 * file is recompiled and its id announced on {@link #changes()}. A local file that does
 * not compile stays in the catalogue with its errors; it never stops the application. A
 * local scenario's id is its file name without {@code .yaml}; one with a built-in's id
 * replaces it while it exists.
 */
@Component
public class ScenarioCatalog implements DisposableBean, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ScenarioCatalog.class);

	/** Where a scenario comes from. */
	public enum Origin {

		BUILT_IN, LOCAL

	}

	/**
	 * One scenario: compiled with its engine (the indexed network is reused by every
	 * run), or, for a local file that does not compile, its errors ({@code scenario} and
	 * {@code engine} null).
	 */
	public record Entry(String id, CompiledScenario scenario, Engine engine, List<ScenarioProblem> errors,
			Origin origin, String file) {

		public Entry {
			errors = List.copyOf(errors);
		}

		public boolean valid() {
			return scenario != null;
		}

		int order() {
			return valid() ? scenario.order() : Integer.MAX_VALUE;
		}

	}

	private record Stamp(long size, long modified) {
	}

	/**
	 * A local file that is not read, and why, in words safe to show a client (no server
	 * path, no exception text).
	 */
	public static final class Refused extends IOException {

		Refused(String reason) {
			super(reason);
		}

	}

	private final ScenarioCompiler compiler;

	private final BuiltInScenarios builtIns;

	private final Path localDir;

	/**
	 * The editor may save into {@link #localDir}
	 * ({@code packetwalk.scenarios.writable=true}).
	 */
	private boolean writable;

	private final Map<Path, Stamp> stamps = new HashMap<>();

	private final Map<Path, Entry> locals = new HashMap<>();

	/** The local entries by id (a local file replaces the built-in of the same id). */
	private volatile Map<String, Entry> localById = Map.of();

	/**
	 * Built-ins and locals merged in learning order; null until first asked for, and
	 * again after a change.
	 */
	private volatile Map<String, Entry> entries;

	private final Sinks.Many<String> changes = Sinks.many().multicast().directBestEffort();

	private final ScheduledExecutorService poller;

	/** Built-in scenarios only, default limits. */
	public ScenarioCatalog() throws IOException {
		this(ScenarioLimits.DEFAULTS, null, Duration.ofSeconds(1));
	}

	@Autowired
	public ScenarioCatalog(LimitsProperties limits, ScenariosProperties scenarios) throws IOException {
		this(BuiltInScenarios.shared(), limits.toLimits(), scenarios.dir(), scenarios.pollInterval());
		this.writable = scenarios.writable() && scenarios.dir() != null;
	}

	public ScenarioCatalog(ScenarioLimits limits, Path localDir, Duration pollInterval) throws IOException {
		this(BuiltInScenarios.shared(), limits, localDir, pollInterval);
	}

	/**
	 * With these built-ins (compiled in the background; see {@link BuiltInScenarios}).
	 */
	public ScenarioCatalog(BuiltInScenarios builtIns, ScenarioLimits limits, Path localDir, Duration pollInterval) {
		this.compiler = new ScenarioCompiler(limits);
		this.localDir = localDir;
		this.builtIns = builtIns;
		if (localDir == null) {
			poller = null;
			return;
		}
		log.info("Loading local scenarios from {} (checked every {})", localDir.toAbsolutePath(), pollInterval);
		scan();
		poller = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "scenario-dir-poller");
			t.setDaemon(true);
			return t;
		});
		long ms = Math.max(50, pollInterval.toMillis());
		poller.scheduleWithFixedDelay(this::scanQuietly, ms, ms, TimeUnit.MILLISECONDS);
	}

	/**
	 * The compiled scenarios, in learning order (local files with errors are left out;
	 * see {@link #entries()}).
	 */
	public List<CompiledScenario> all() {
		return merged().values().stream().filter(Entry::valid).map(Entry::scenario).toList();
	}

	/** Every scenario, valid or not, in learning order (invalid ones last). */
	public List<Entry> entries() {
		return List.copyOf(merged().values());
	}

	/**
	 * A line of the catalogue: a scenario's {@link Entry} (compiled, or a local file's
	 * errors), or, for a built-in not compiled yet, its {@link ScenarioHeader} (read from
	 * its metadata; the build compiles every built-in).
	 */
	public record Line(String id, ScenarioHeader header, Entry entry) {

		public Line {
			if ((header == null) == (entry == null)) {
				throw new IllegalArgumentException("a catalogue line has a header or an entry: " + id);
			}
		}

		int order() {
			return entry != null ? entry.order() : header.order();
		}

	}

	/**
	 * The catalogue's lines in {@link #entries()}'s order, without waiting for the
	 * built-ins: while some are still compiling, every built-in is listed from its header
	 * (so the first list a client asks for compiles nothing), with the local files'
	 * entries; once all are compiled, {@link #entries()}.
	 */
	public List<Line> lines() {
		if (entries != null || builtIns.ready()) {
			return merged().values().stream().map(e -> new Line(e.id(), null, e)).toList();
		}
		Map<String, Line> all = new HashMap<>();
		builtIns.headers().forEach((id, h) -> all.put(id, new Line(id, h, null)));
		localById.forEach((id, e) -> all.put(id, new Line(id, null, e)));
		return all.values().stream().sorted(Comparator.comparingInt(Line::order).thenComparing(Line::id)).toList();
	}

	/**
	 * A scenario by id, valid or not. A built-in not compiled yet is compiled now (or
	 * waited for): this waits for that one scenario only.
	 */
	public Optional<Entry> find(String id) {
		if (id == null) {
			return Optional.empty();
		}
		Entry local = localById.get(id);
		return local != null ? Optional.of(local) : builtIns.get(id);
	}

	/**
	 * Starts compiling every built-in not compiled yet in the background (once; see
	 * {@link BuiltInScenarios#start}).
	 */
	public void startWarmup() {
		builtIns.start();
	}

	/**
	 * True once every built-in scenario is compiled (the readiness probe waits for it).
	 */
	public boolean ready() {
		return builtIns.ready();
	}

	/** Completes when every built-in scenario is compiled. */
	public java.util.concurrent.CompletableFuture<Void> whenReady() {
		return builtIns.whenReady();
	}

	public Trace trace(Entry e, Long seed) {
		return trace(e, seed, Budget.UNLIMITED);
	}

	/** The trace within a request's budget (its time, its size). */
	public Trace trace(Entry e, Long seed, Budget budget) {
		return e.engine().run(seed == null ? e.scenario().seed() : seed, budget);
	}

	/**
	 * The ids of scenarios whose files changed (added, edited, removed), as they are
	 * noticed.
	 */
	public Flux<String> changes() {
		return changes.asFlux();
	}

	/**
	 * How many subscribers the change stream has now (each open
	 * {@code /api/scenarios/changes} is one).
	 */
	public int changeSubscribers() {
		return changes.currentSubscriberCount();
	}

	/**
	 * Checks the local directory now (the poller does this every interval). Returns the
	 * ids that changed.
	 */
	public synchronized Set<String> scan() {
		if (localDir == null) {
			return Set.of();
		}
		Set<String> changed = new HashSet<>();
		Map<Path, Stamp> now = new HashMap<>();
		if (Files.isDirectory(localDir)) {
			try (Stream<Path> files = Files.list(localDir)) {
				for (Path p : files
					.filter(f -> f.getFileName().toString().endsWith(".yaml")
							&& (Files.isRegularFile(f) || Files.isSymbolicLink(f)))
					.toList()) {
					try {
						now.put(p, new Stamp(Files.size(p), Files.getLastModifiedTime(p).toMillis()));
					}
					catch (IOException ex) {
						// vanished between list and stat: treat as removed
					}
				}
			}
			catch (IOException ex) {
				log.warn("Cannot list the scenarios directory {}: {}", localDir, ex.toString());
				return Set.of();
			}
		}
		for (Path gone : new ArrayList<>(stamps.keySet())) {
			if (!now.containsKey(gone)) {
				stamps.remove(gone);
				Entry old = locals.remove(gone);
				if (old != null) {
					changed.add(old.id());
				}
			}
		}
		for (Map.Entry<Path, Stamp> f : now.entrySet()) {
			if (f.getValue().equals(stamps.get(f.getKey()))) {
				continue;
			}
			stamps.put(f.getKey(), f.getValue());
			Entry e = load(f.getKey());
			locals.put(f.getKey(), e);
			changed.add(e.id());
		}
		if (!changed.isEmpty()) {
			Map<String, Entry> byId = new HashMap<>();
			locals.values().forEach(e -> byId.put(e.id(), e));
			localById = Map.copyOf(byId);
			entries = null;
			for (String id : changed.stream().sorted().toList()) {
				changes.tryEmitNext(id);
			}
		}
		return changed;
	}

	private void scanQuietly() {
		try {
			scan();
		}
		catch (RuntimeException ex) {
			log.warn("Checking the scenarios directory failed", ex);
		}
	}

	/**
	 * The text of a local scenario file, read only if it is still a regular file inside
	 * the scenarios directory (after resolving links) and not larger than the limit;
	 * otherwise {@link Refused} that says why, without the server's paths. Every endpoint
	 * that reads a local file reads it through here.
	 */
	public String readLocal(Entry e) throws IOException {
		return readChecked(Path.of(e.file()));
	}

	private String readChecked(Path file) throws IOException {
		String refused = refusal(file);
		if (refused != null) {
			throw new Refused(refused);
		}
		long size = Files.size(file);
		if (size > maxFileBytes()) {
			throw new Refused(tooLarge(size));
		}
		// the size may change between the check and the read: never read more than the
		// limit
		try (InputStream in = Files.newInputStream(file)) {
			byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxFileBytes() + 1));
			if (bytes.length > maxFileBytes()) {
				throw new Refused(tooLarge(bytes.length));
			}
			return new String(bytes, StandardCharsets.UTF_8);
		}
	}

	private long maxFileBytes() {
		return 4L * compiler.limits().maxCodePoints();
	}

	private String tooLarge(long size) {
		return "the file has " + size + " bytes, more than the limit of " + compiler.limits().maxCodePoints()
				+ " characters (packetwalk.limits.max-code-points)";
	}

	/** Whether the editor may save scenarios into the directory. */
	public boolean writable() {
		return writable;
	}

	/**
	 * A save refused because the file is not the one the editor opened (changed, created
	 * or removed since).
	 */
	public static final class Conflict extends IOException {

		Conflict(String reason) {
			super(reason);
		}

	}

	/**
	 * The version of a text as the editor sees it: the SHA-256 of its UTF-8 bytes, in
	 * hex.
	 */
	public static String version(String text) {
		try {
			return java.util.HexFormat.of()
				.formatHex(java.security.MessageDigest.getInstance("SHA-256")
					.digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static final java.util.regex.Pattern FILE_ID = java.util.regex.Pattern
		.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

	/**
	 * Writes {@code <id>.yaml} into the scenarios directory and nowhere else: only when
	 * saving is on, only a plain file name, atomically (a temporary file in the directory
	 * renamed over the old one), and only when the file is still the version the editor
	 * opened ({@code baseVersion}; null: the file must not exist yet). The catalogue
	 * reloads it at once. Returns the new version.
	 */
	public synchronized String save(String id, String text, String baseVersion) throws IOException {
		if (!writable) {
			throw new Refused(
					"saving is off: start PacketWalk with packetwalk.scenarios.dir and packetwalk.scenarios.writable=true");
		}
		if (id == null || !FILE_ID.matcher(id).matches()) {
			throw new Refused("'" + id + "' is not a scenario name: lower-case letters, digits and dashes, at most 63");
		}
		Path dir = localDir.toRealPath();
		Path file = dir.resolve(id + ".yaml");
		if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
			if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
				throw new Refused("refused: " + id + ".yaml is a link or not a regular file");
			}
			if (baseVersion == null) {
				throw new Conflict(
						id + ".yaml already exists in the scenarios directory: open it in the editor to change it");
			}
			if (!version(readChecked(file)).equals(baseVersion)) {
				throw new Conflict(
						id + ".yaml has changed on disk since you opened it: nothing was written (your draft is"
								+ " kept in this browser)");
			}
		}
		else if (baseVersion != null) {
			throw new Conflict(id + ".yaml has been removed since you opened it: nothing was written");
		}
		Path tmp = Files.createTempFile(dir, "." + id + "-", ".saving");
		try {
			Files.writeString(tmp, text, StandardCharsets.UTF_8);
			Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
					java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		}
		finally {
			Files.deleteIfExists(tmp);
		}
		log.info("Saved local scenario {}.yaml from the editor", id);
		scan();
		return version(text);
	}

	/**
	 * Why a file of the directory is not read (a link out of it, not a regular file), or
	 * null.
	 */
	private String refusal(Path file) throws IOException {
		Path real = file.toRealPath();
		if (!real.startsWith(localDir.toRealPath())) {
			return "refused: the file is a link that leads out of the scenarios directory";
		}
		if (!Files.isRegularFile(real)) {
			return "refused: not a regular file";
		}
		return null;
	}

	/**
	 * Compiles one local file; never throws. Problems name the file without the server's
	 * directory.
	 */
	private Entry load(Path file) {
		String name = file.getFileName().toString();
		String id = name.substring(0, name.length() - ".yaml".length());
		String shown = name;
		try {
			CompiledScenario s = compiler.compile(shown, readChecked(file));
			if (!s.id().equals(id)) {
				return invalid(id, shown, file, "metadata.name '" + s.id()
						+ "' must equal the file name without .yaml ('" + id + "'): rename the file or the scenario");
			}
			log.info("Loaded local scenario {} from {}", id, shown);
			return new Entry(id, s, new Engine(s.scenario()), List.of(), Origin.LOCAL, file.toString());
		}
		catch (ScenarioException ex) {
			log.warn("Local scenario {} has errors:\n{}", file, ex.getMessage());
			return new Entry(id, null, null, ex.problems(), Origin.LOCAL, file.toString());
		}
		catch (IOException ex) {
			log.warn("Local scenario {} is not loaded: {}", file, ex.toString());
			return invalid(id, shown, file, ex instanceof Refused ? ex.getMessage() : "cannot be read");
		}
		catch (RuntimeException ex) {
			// a bug: logged with its stack trace; the catalogue says no more than that
			// (no exception text, no path)
			log.warn("Local scenario {} cannot be loaded", file, ex);
			return invalid(id, shown, file, "cannot be loaded (the error has been logged on the server)");
		}
	}

	private static Entry invalid(String id, String shown, Path file, String message) {
		return new Entry(id, null, null,
				List.of(new ScenarioProblem(shown, 1, 1, "", message, ScenarioProblem.Severity.ERROR)), Origin.LOCAL,
				file.toString());
	}

	private Map<String, Entry> merged() {
		Map<String, Entry> current = entries;
		return current != null ? current : mergeNow();
	}

	/**
	 * Under the lock {@link #scan} holds, so a change cannot be overwritten by a merge
	 * that started before it.
	 */
	private synchronized Map<String, Entry> mergeNow() {
		Map<String, Entry> current = entries;
		if (current != null) {
			return current;
		}
		Map<String, Entry> all = new HashMap<>(builtIns.all());
		all.putAll(localById);
		Map<String, Entry> sorted = new LinkedHashMap<>();
		all.values()
			.stream()
			.sorted(Comparator.comparingInt(Entry::order).thenComparing(Entry::id))
			.forEach(e -> sorted.put(e.id(), e));
		current = java.util.Collections.unmodifiableMap(sorted);
		entries = current;
		return current;
	}

	@Override
	public void close() {
		if (poller != null) {
			poller.shutdownNow();
		}
		changes.tryEmitComplete();
	}

	@Override
	public void destroy() {
		close();
	}

}
