package dev.upkeep.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.upkeep.UpdatePipeline;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keeps the public surface free of the libraries Upkeep is built on. */
class ArchitectureTest {

  /** Packages whose types must never appear in a public signature of any Upkeep module. */
  static final List<String> HIDDEN =
      List.of(
          "com.google.cloud.tools.jib",
          "com.google.api.client",
          "org.eclipse.jgit",
          "org.snakeyaml",
          "com.github.zafarkhaja",
          "org.apache.commons.text",
          "org.apache.sshd",
          "picocli");

  static final JavaClasses UPKEEP =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.upkeep");

  static JavaClasses apiModule() throws URISyntaxException {
    Location api =
        Location.of(
            UpdatePipeline.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return new ClassFileImporter().importLocations(Set.of(api));
  }

  static final ArchRule API_USES_THE_JDK_ONLY =
      classes()
          .should()
          .onlyDependOnClassesThat(
              DescribedPredicate.describe(
                  "are in java.. or dev.upkeep..",
                  (JavaClass c) ->
                      c.getPackageName().startsWith("java.")
                          || c.getPackageName().startsWith("dev.upkeep")
                          || c.isPrimitive()
                          || (c.isArray() && c.getBaseComponentType().isPrimitive())));

  static final ArchRule NO_LIBRARY_TYPE_IN_PUBLIC_SIGNATURES =
      codeUnits()
          .that(
              DescribedPredicate.describe(
                  "are public members of public classes",
                  (JavaCodeUnit m) ->
                      m.getModifiers().contains(JavaModifier.PUBLIC)
                          && m.getOwner().getModifiers().contains(JavaModifier.PUBLIC)
                          && !m.getOwner().getPackageName().contains(".internal")
                          && !m.getOwner().getPackageName().startsWith("dev.upkeep.examples")))
          .should(exposeNoLibraryType());

  static final ArchRule NO_PUBLIC_CLASS_EXTENDS_A_LIBRARY_TYPE =
      classes()
          .that()
          .arePublic()
          .and()
          .resideOutsideOfPackages("..internal..", "dev.upkeep.examples..")
          .should(
              new ArchCondition<JavaClass>("not extend or implement a library type") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                  List<JavaClass> supers = new ArrayList<>(c.getRawInterfaces());
                  c.getRawSuperclass().ifPresent(supers::add);
                  for (JavaClass s : supers) {
                    if (hidden(s)) {
                      events.add(
                          SimpleConditionEvent.violated(
                              c, c.getName() + " extends or implements " + s.getName()));
                    }
                  }
                }
              });

  static boolean hidden(JavaClass type) {
    String name = type.getBaseComponentType().getName();
    return HIDDEN.stream().anyMatch(name::startsWith);
  }

  static ArchCondition<JavaCodeUnit> exposeNoLibraryType() {
    return new ArchCondition<>("expose no Jib, JGit, snakeyaml, jsemver or Commons Text type") {
      @Override
      public void check(JavaCodeUnit m, ConditionEvents events) {
        List<JavaClass> types = new ArrayList<>(m.getRawParameterTypes());
        types.add(m.getRawReturnType());
        m.getThrowsClause().getTypes().forEach(types::add);
        for (JavaClass t : types) {
          if (hidden(t)) {
            events.add(
                SimpleConditionEvent.violated(
                    m, m.getFullName() + " exposes " + t.getName() + " in its signature"));
          }
        }
      }
    };
  }

  @Test
  void theApiModuleDependsOnTheJdkOnly() throws URISyntaxException {
    API_USES_THE_JDK_ONLY.check(apiModule());
  }

  @Test
  void noPublicSignatureExposesALibraryType() {
    NO_LIBRARY_TYPE_IN_PUBLIC_SIGNATURES.check(UPKEEP);
    NO_PUBLIC_CLASS_EXTENDS_A_LIBRARY_TYPE.check(UPKEEP);
  }

  @Test
  void theRulesCatchALeak() {
    JavaClasses leaky = new ClassFileImporter().importClasses(dev.upkeep.archfixture.Leaky.class);
    EvaluationResult signatures = NO_LIBRARY_TYPE_IN_PUBLIC_SIGNATURES.evaluate(leaky);
    EvaluationResult jdkOnly = API_USES_THE_JDK_ONLY.evaluate(leaky);
    assertThat(signatures.hasViolation()).isTrue();
    assertThat(signatures.getFailureReport().getDetails())
        .anySatisfy(d -> assertThat(d).contains("exposes org.eclipse.jgit.lib.ObjectId"));
    assertThat(jdkOnly.hasViolation()).isTrue();
  }
}
