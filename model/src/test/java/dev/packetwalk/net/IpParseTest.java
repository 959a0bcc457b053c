package dev.packetwalk.net;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dotted quads as scenario authors and iptables rules write them, and the message each
 * bad one gets.
 */
class IpParseTest {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			10.64.0.2       | 10.64.0.2
			0.0.0.0         | 0.0.0.0
			255.255.255.255 | 255.255.255.255
			' 10.0.0.1 '    | 10.0.0.1
			010.001.0.7     | 10.1.0.7
			""")
	void readsDottedQuads(String text, String expected) {
		assertThat(Ip.parse(text).toString()).isEqualTo(expected);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
			10.0.0            | expected four dot-separated numbers
			10.0.0.1.5        | expected four dot-separated numbers
			999.1.2.3.4       | expected four dot-separated numbers
			""                | expected four dot-separated numbers
			example.com       | expected four dot-separated numbers
			300.1.1.1         | 300 is above 255
			1.2.3.256         | 256 is above 255
			1..2.3            | '' is not a number 0-255
			1.2.3.            | '' is not a number 0-255
			a.b.c.d           | 'a' is not a number 0-255
			1.2.3.1234        | '1234' is not a number 0-255
			1.2.-3.4          | '-3' is not a number 0-255
			1.2.3.٤           | '٤' is not a number 0-255
			""")
	void refusesWhatIsNotAnAddressAndSaysWhy(String text, String why) {
		assertThatThrownBy(() -> Ip.parse(text)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("is not an IPv4 address")
			.hasMessageContaining(why);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			10.64.0.0/14 | 10.64.0.0/14
			10.0.0.1     | 10.0.0.1/32
			0.0.0.0/0    | 0.0.0.0/0
			""")
	void readsCidrs(String text, String expected) {
		assertThat(Cidr.parse(text).toString()).isEqualTo(expected);
	}

}
