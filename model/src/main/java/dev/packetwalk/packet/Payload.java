package dev.packetwalk.packet;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What the packet carries above layer 4. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({ @JsonSubTypes.Type(value = Payload.Bytes.class, name = "bytes"),
		@JsonSubTypes.Type(value = Payload.Http.class, name = "http"),
		@JsonSubTypes.Type(value = Payload.Dns.class, name = "dns") })
public sealed interface Payload permits Payload.Bytes, Payload.Http, Payload.Dns {

	int bytes();

	/** Opaque data of a given size (0 for a bare SYN). */
	record Bytes(int bytes) implements Payload {
		public static final Bytes EMPTY = new Bytes(0);

		public Bytes {
			if (bytes < 0) {
				throw new IllegalArgumentException("payload size cannot be negative");
			}
		}
	}

	/** An HTTP/1.1 request or response head. */
	record Http(String startLine, Map<String, String> headers) implements Payload {
		public Http {
			headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
		}

		@Override
		public int bytes() {
			int n = startLine.length() + 2;
			for (Map.Entry<String, String> h : headers.entrySet()) {
				n += h.getKey().length() + 2 + h.getValue().length() + 2;
			}
			return n + 2;
		}
	}

	/** A DNS query (answers empty) or response. */
	record Dns(int id, String question, String qtype, List<String> answers) implements Payload {
		public Dns {
			answers = List.copyOf(answers);
		}

		@Override
		public int bytes() {
			return 12 + question.length() + 6 + answers.size() * 16;
		}
	}

}
