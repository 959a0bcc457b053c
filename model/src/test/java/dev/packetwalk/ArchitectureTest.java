package dev.packetwalk;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The model is plain Java: no Spring, no Reactor, no web types, no cycles between its packages. */
class ArchitectureTest {

	private final JavaClasses model = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
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

}
