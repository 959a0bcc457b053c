# syntax=docker/dockerfile:1
# Build: the Maven wrapper on a JDK 25, then Spring Boot's layered extraction (dependencies change less often than code).
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
RUN ./mvnw -B -q -DskipTests -pl backend -am install \
 && java -Djarmode=tools -jar backend/target/packetwalk.jar extract --layers --destination /extracted

# Run: a JRE 25, a non-root user, the layers in order of change.
FROM eclipse-temurin:25-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app packetwalk
WORKDIR /app
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
USER 10001
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://localhost:8080/actuator/health || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "packetwalk.jar"]
