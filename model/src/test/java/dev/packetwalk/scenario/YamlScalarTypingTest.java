package dev.packetwalk.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link YamlTreeReader#plainTag} skips the core schema's regular expressions for the
 * common plain values (names, addresses, short numbers): it must type every plain scalar
 * exactly as the resolver would.
 */
class YamlScalarTypingTest {

	private static final ScalarResolver CORE = new CoreSchema().getScalarResolver();

	@ParameterizedTest
	@ValueSource(strings = { "", "~", "null", "Null", "NULL", "nULL", "true", "True", "TRUE", "tRUE", "false", "False",
			"FALSE", "no", "yes", "on", "off", "y", "n", "0", "7", "08", "012", "123456789", "1234567890",
			"99999999999", "-1", "+1", "0x1F", "0xg", "0o17", "0o8", "1.5", "1.", ".5", "1e5", "1E+5", "1.5e-3", ".inf",
			"-.Inf", ".NaN", ".nan", "10.0.0.1", "10.64.0.0/14", "10/8", "1.2", "1..2", "80:8080", "1_000", "0.0.0.0/0",
			"fd00::1", "node0", "pod29999", "cbr0", "TCP", "tcp", "Nodeport", "flannel.1", "a b", "2001:db8::/32",
			"1-2", "+", "-", "1e", "e5", "0b101", "٣", "1 2", "00", "-0", "+0x1", "9.9.9", "1.0.0", "1/2" })
	void commonValuesAreTypedAsTheCoreSchemaTypesThem(String value) {
		assertThat(YamlTreeReader.plainTag(value)).as(value).isEqualTo(CORE.resolve(value, true));
	}

	/**
	 * 20,000 random short strings over the characters the core schema's forms are made
	 * of, plus a few others.
	 */
	@Test
	void randomValuesAreTypedAsTheCoreSchemaTypesThem() {
		Random random = new Random(20261128);
		String alphabet = "0123456789.+-eExXoOabcfnNtTlLuUrsSAF~/:_ ";
		List<String> wrong = new ArrayList<>();
		for (int i = 0; i < 20_000; i++) {
			int length = random.nextInt(9);
			StringBuilder sb = new StringBuilder();
			for (int k = 0; k < length; k++) {
				sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			String value = sb.toString();
			Tag expected = CORE.resolve(value, true);
			if (!YamlTreeReader.plainTag(value).equals(expected)) {
				wrong.add("'" + value + "' is " + expected + ", fast path says " + YamlTreeReader.plainTag(value));
			}
		}
		assertThat(wrong).isEmpty();
	}

}
