package dev.packetwalk.web.live;

/**
 * What a presenter shows: the scenario, the seed, the step (1-based over the whole trace,
 * 0 = the intro, as in a deep link) and the flow that step belongs to (null for a
 * single-flow scenario or the intro).
 */
public record LiveView(String scenario, Long seed, String flow, Integer step) {

}
