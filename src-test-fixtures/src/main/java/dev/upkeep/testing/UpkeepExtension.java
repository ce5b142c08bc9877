package dev.upkeep.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a fresh {@link FakeOciRegistry} and {@link GitRemoteFixture} into test methods (and
 * constructors) that declare them as parameters, and closes them when the test ends. The fixtures
 * work without JUnit too; this extension only starts and stops them.
 *
 * <pre>{@code
 * @ExtendWith(UpkeepExtension.class)
 * class MyUpdateTest {
 *   @Test
 *   void movesDevToTheNewestChart(FakeOciRegistry registry, GitRemoteFixture fleet) { ... }
 * }
 * }</pre>
 */
public final class UpkeepExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(UpkeepExtension.class);

  /** Creates the extension; JUnit calls this. */
  public UpkeepExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == FakeOciRegistry.class || type == GitRemoteFixture.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    // Each parameter gets its own instance; the store closes AutoCloseable values at the end.
    Object fixture =
        type == FakeOciRegistry.class ? FakeOciRegistry.start() : GitRemoteFixture.create();
    context.getStore(NAMESPACE).put(type.getName() + "#" + parameter.getIndex(), fixture);
    return fixture;
  }
}
