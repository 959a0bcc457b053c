package dev.packetwalk.web;

/**
 * What the player page shows of a draft before the browser has resolved it: the draft's
 * key as its id and placeholders for the rest (the server never sees the draft:
 * {@code scenario()} has no flows and no policies).
 */
public record DraftView(String id) {

	/**
	 * Stands where a compiled scenario's engine input would be, for templates that read
	 * it.
	 */
	public record Unknown() {

		public java.util.List<Object> flows() {
			return java.util.List.of();
		}

		public Object policies() {
			return null;
		}

	}

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

	public Unknown scenario() {
		return new Unknown();
	}

}
