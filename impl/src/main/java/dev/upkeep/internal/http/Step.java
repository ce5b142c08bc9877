package dev.upkeep.internal.http;

import java.util.List;

/**
 * One step on the path every call travels, as OkHttp's interceptors: it may change the call, send
 * it on with {@link Chain#proceed}, repeat that, or answer itself.
 */
interface Step {
  HttpReply intercept(Chain chain);

  /** The rest of the path from one step on. */
  final class Chain {
    private final List<Step> steps;
    private final int index;
    private final HttpCall call;
    final boolean buffered;

    Chain(List<Step> steps, int index, HttpCall call, boolean buffered) {
      this.steps = steps;
      this.index = index;
      this.call = call;
      this.buffered = buffered;
    }

    HttpCall call() {
      return call;
    }

    HttpReply proceed(HttpCall next) {
      return steps.get(index).intercept(new Chain(steps, index + 1, next, buffered));
    }
  }
}
