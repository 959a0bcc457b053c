package dev.packetwalk.web;

/** A request named something the scenario does not have (a node, a flow). */
class NotFoundException extends RuntimeException {

	NotFoundException(String message) {
		super(message);
	}

}
