package dev.packetwalk;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.packetwalk.engine.Distribution;
import dev.packetwalk.engine.ExpectedShares;
import dev.packetwalk.engine.NamespaceTables;
import dev.packetwalk.lab.LabReport;
import dev.packetwalk.engine.Engine;
import dev.packetwalk.engine.Flow;
import dev.packetwalk.engine.Probe;
import dev.packetwalk.engine.Scenario;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The web layer only transports: it reaches the model through its entry points (the
 * engine's {@code Engine}, {@code Probe}, {@code Distribution}, the scenario compiler,
 * the trace), never the datapath's parts. The kernel lab is plain Java, runnable without
 * Spring.
 */
class BackendArchitectureTest {

	private final JavaClasses backend = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
		.importPackages("dev.packetwalk.web", "dev.packetwalk.lab", "dev.packetwalk.catalog", "dev.packetwalk.cli",
				"dev.packetwalk.config");

	/**
	 * The engine's public entry points; everything else in the engine package is its
	 * inside.
	 */
	private static final DescribedPredicate<JavaClass> ENGINE_ENTRY_POINTS = belongToAnyOf(Engine.class, Probe.class,
			Distribution.class, ExpectedShares.class, NamespaceTables.class, Flow.class, Scenario.class);

	@Test
	void theWebLayerDoesNotReachIntoTheDatapath() {
		noClasses().that()
			.resideInAPackage("dev.packetwalk.web..")
			.should()
			.dependOnClassesThat(resideInAnyPackage("dev.packetwalk.netfilter..", "dev.packetwalk.conntrack..",
					"dev.packetwalk.kubeproxy..", "dev.packetwalk.packet..")
				.or(resideInAPackage("dev.packetwalk.engine..").and(DescribedPredicate.not(ENGINE_ENTRY_POINTS)))
				.as("the datapath's parts or the engine's insides"))
			.check(backend);
	}

	@Test
	void theKernelLabHasNoSpring() {
		noClasses().that()
			.resideInAPackage("dev.packetwalk.lab..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "reactor..")
			.check(backend);
	}

	/**
	 * The web serves the lab's bundled report (plain data: {@link LabReport}), and never
	 * runs the lab.
	 */
	@Test
	void theLabIsNotReachedFromTheWeb() {
		noClasses().that()
			.resideInAPackage("dev.packetwalk.web..")
			.should()
			.dependOnClassesThat(
					resideInAPackage("dev.packetwalk.lab..").and(DescribedPredicate.not(belongToAnyOf(LabReport.class)))
						.as("the kernel lab (other than its report)"))
			.check(backend);
	}

}
