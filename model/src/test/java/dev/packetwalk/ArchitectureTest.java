package dev.packetwalk;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The model is plain Java: no Spring, no Reactor, no web types, no cycles between its
 * packages, and its packages are layered: net ← packet, topology ← trace ← netfilter,
 * conntrack, kubeproxy, netpol ← engine ← scenario, with the request budget (budget)
 * below them all.
 */
class ArchitectureTest {

	private final JavaClasses model = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.packetwalk");

	@Test
	void theModelKnowsNothingOfTheWeb() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "reactor..", "jakarta.servlet..", "io.netty..")
			.check(model);
	}

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("dev.packetwalk.(*)..").should().beFreeOfCycles().check(model);
	}

	@Test
	void theTraceContractDependsOnlyOnPacketsAndAddresses() {
		noClasses().that()
			.resideInAPackage("dev.packetwalk.trace..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.packetwalk.engine..", "dev.packetwalk.scenario..", "dev.packetwalk.topology..")
			.check(model);
	}

	/**
	 * Each layer uses only the layers below it: addresses; packets and the topology; the
	 * trace contract; the datapath's parts (netfilter, conntrack, kube-proxy,
	 * NetworkPolicy); the engine that walks packets through them; the scenario compiler
	 * on top.
	 */
	@Test
	void packagesAreLayered() {
		layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("budget")
			.definedBy("dev.packetwalk.budget..")
			.layer("net")
			.definedBy("dev.packetwalk.net..")
			.layer("packet")
			.definedBy("dev.packetwalk.packet..")
			.layer("topology")
			.definedBy("dev.packetwalk.topology..")
			.layer("trace")
			.definedBy("dev.packetwalk.trace..")
			.layer("datapath")
			.definedBy("dev.packetwalk.netfilter..", "dev.packetwalk.conntrack..", "dev.packetwalk.kubeproxy..",
					"dev.packetwalk.netpol..")
			.layer("engine")
			.definedBy("dev.packetwalk.engine..")
			.layer("scenario")
			.definedBy("dev.packetwalk.scenario..")
			.whereLayer("scenario")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("budget")
			.mayOnlyBeAccessedByLayers("datapath", "engine", "scenario")
			.whereLayer("engine")
			.mayOnlyBeAccessedByLayers("scenario")
			.whereLayer("datapath")
			.mayOnlyBeAccessedByLayers("engine", "scenario")
			.whereLayer("trace")
			.mayOnlyBeAccessedByLayers("datapath", "engine", "scenario")
			.whereLayer("packet")
			.mayOnlyBeAccessedByLayers("trace", "datapath", "engine", "scenario")
			.whereLayer("topology")
			.mayOnlyBeAccessedByLayers("trace", "datapath", "engine", "scenario")
			.check(model);
	}

}
