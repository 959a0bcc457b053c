package dev.packetwalk.web;

/**
 * What the player page shows of a draft before the browser has resolved it: the draft's key as its id and
 * placeholders for the rest ({@code scenario()} is null: the server never sees the draft).
 */
public record DraftView(String id) {

	public String title() {
		return "Draft from the editor";
	}

	public String chapter() {
		return "Editor";
	}

	public String level() {
		return "draft";
	}

	public String intro() {
		return "Loading the draft…";
	}

	public long seed() {
		return 1;
	}

	public Object scenario() {
		return null;
	}

}
