package dev.packetwalk.web.live;

/**
 * A session's current view as followers receive it; {@code version} grows by one with
 * every change the presenter pushes.
 */
public record LiveState(String scenario, long seed, String flow, int step, long version) {

}
