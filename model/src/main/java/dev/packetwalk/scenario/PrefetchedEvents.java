package dev.packetwalk.scenario;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import org.snakeyaml.engine.v2.events.Event;

/**
 * snakeyaml-engine's events of one document, produced on a thread of their own while the
 * caller builds the tree: the scanner is most of the cost of reading a large file, and
 * the tree needs only the events in order. The events come in batches through a bounded
 * queue, in the order the parser made them; an exception the parser throws reaches the
 * caller after the events before it, where reading them in turn would have thrown it.
 * Closing stops the producer.
 */
final class PrefetchedEvents implements Iterator<Event>, AutoCloseable {

	private static final int BATCH = 1_024;

	/**
	 * A run of events, possibly ended by the parser's exception or by the end of the
	 * events.
	 */
	private record Batch(Event[] events, int size, Throwable failure, boolean last) {
	}

	private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(32);

	private final Thread producer;

	private Batch current = new Batch(new Event[0], 0, null, false);

	private int next;

	PrefetchedEvents(Iterator<Event> source) {
		producer = Thread.ofPlatform().daemon().name("packetwalk-yaml-events").unstarted(() -> produce(source));
		producer.start();
	}

	private void produce(Iterator<Event> source) {
		Event[] events = new Event[BATCH];
		int n = 0;
		try {
			while (source.hasNext()) {
				events[n++] = source.next();
				if (n == BATCH) {
					queue.put(new Batch(events, n, null, false));
					events = new Event[BATCH];
					n = 0;
				}
			}
			queue.put(new Batch(events, n, null, true));
		}
		catch (InterruptedException ex) {
			// the reader closed: nobody waits for the rest
		}
		catch (RuntimeException | Error ex) {
			try {
				queue.put(new Batch(events, n, ex, true));
			}
			catch (InterruptedException closed) {
				// the reader closed meanwhile
			}
		}
	}

	@Override
	public boolean hasNext() {
		while (next == current.size()) {
			if (current.failure() instanceof RuntimeException ex) {
				throw ex;
			}
			if (current.failure() instanceof Error error) {
				throw error;
			}
			if (current.last()) {
				return false;
			}
			try {
				current = queue.take();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while reading the scenario", ex);
			}
			next = 0;
		}
		return true;
	}

	@Override
	public Event next() {
		if (!hasNext()) {
			throw new NoSuchElementException();
		}
		return current.events()[next++];
	}

	/**
	 * Stops the producer if it is still parsing (the reader gave up early, at a problem
	 * of its own).
	 */
	@Override
	public void close() {
		producer.interrupt();
	}

}
