# Sourced by the measuring scripts: the JDK, the packaged jar, and a check that the port is free.
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
jar=backend/target/packetwalk.jar

# usage: require_jar_and_free_port PORT
require_jar_and_free_port() {
	[ -f "$jar" ] || { echo "no $jar: run ./mvnw -B -DskipTests package first" >&2; exit 2; }
	if curl -s -o /dev/null "http://127.0.0.1:$1/"; then
		echo "port $1 is already in use" >&2; exit 2
	fi
}
