# syntax=docker/dockerfile:1
#
# PacketWalk's production image: docker build -t packetwalk . && docker run --read-only --tmpfs /tmp -p 8080:8080 packetwalk
#
# - layered: Spring Boot's layers (dependencies, loader, snapshot dependencies, application) are separate image
#   layers, so a code change re-ships only the last few hundred KB;
# - non-root: runs as uid 10001 (no shell login, no home of its own to write to);
# - read-only root filesystem: the app writes nothing but temporary files, and those go to /tmp (JAVA_TOOL_OPTIONS'
#   -Djava.io.tmpdir), which is an anonymous volume here and an emptyDir (or --tmpfs /tmp) where the root is read-only;
# - sized for containers: the heap is a share of the container's memory limit (-XX:MaxRAMPercentage), not of the
#   host's; one GC thread pool sized by the JVM from the CPU limit;
# - an AOT cache (JDK 25, JEP 483/514/515): a training run at build time (Spring starts its context and exits,
#   spring.context.exit=onRefresh) records the loaded and linked classes and method profiles into packetwalk.aot;
#   starting with -XX:AOTCache skips most class loading and linking. Measured with this JDK on the (busy, shared)
#   2-core development machine: ready in 11-14 s with the cache against 32-46 s without, about a third; the built-in
#   scenarios are compiled at startup, so the model's classes are in the cache too. The cache costs ~65 MB of image.
#   It is only valid for the same JVM, class path and GC, which is why it is made in the runtime stage with the same
#   JAVA_TOOL_OPTIONS (and an explicit GC: JVM ergonomics would pick Serial in a small container and G1 on the build
#   machine). If it does not match, the JVM says so and starts without it (-XX:AOTMode=auto, the default).

# ---- build: the Maven wrapper on a JDK 25; dependencies first so they are cached while only code changes
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY model/pom.xml model/
COPY frontend/pom.xml frontend/
COPY backend/pom.xml backend/
# every module's pom must be present for the reactor to read the parent; bench/ (benchmarks) is not built in the image
COPY bench/pom.xml bench/
RUN ./mvnw -B -q -DskipTests -pl model,frontend,backend dependency:go-offline || true
COPY . .
RUN ./mvnw -B -q -DskipTests -pl backend -am package \
 && java -Djarmode=tools -jar backend/target/packetwalk.jar extract --layers --destination /extracted

# ---- run: a JRE 25 and nothing else (no shell tools are needed: Kubernetes probes and docker's health checks
# are HTTP requests made from outside the container)
FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin packetwalk
WORKDIR /app
# least-changing layer first
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
ENV JAVA_TOOL_OPTIONS="-XX:+UseG1GC -XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp" \
    LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs \
    SERVER_PORT=8080
# the AOT cache training run (see above), with the JAVA_TOOL_OPTIONS the app runs with; owned by root and
# read-only like the rest of /app
RUN java -XX:AOTCacheOutput=/app/packetwalk.aot -Dspring.context.exit=onRefresh -jar packetwalk.jar \
 && chmod -R a-w /app
USER 10001
# temporary files only; mount a tmpfs or emptyDir here when the root filesystem is read-only
VOLUME /tmp
EXPOSE 8080
# the same class path as the training run (relative to WORKDIR /app), or the cache would not match
ENTRYPOINT ["java", "-XX:AOTCache=/app/packetwalk.aot", "-jar", "packetwalk.jar"]
