/**
 * A synchronous stream stage: the building block of the relay's pipelines (upstream bytes → SSE
 * events → IR parts → client frames). Stages are plain objects with `transform` and `flush`, the
 * same lifecycle as a WHATWG TransformStream, but without a promise per chunk: a 20-chunk stream
 * runs through every stage in a handful of microseconds. `toTransformStream` adapts one when a web
 * stream is wanted.
 */
export type Emit<O> = (output: O) => void;

export interface StreamStage<I, O> {
  transform(input: I, emit: Emit<O>): void;
  flush(emit: Emit<O>): void;
}

/** Chains two stages into one. */
export function pipeStages<A, B, C>(first: StreamStage<A, B>, second: StreamStage<B, C>): StreamStage<A, C> {
  return {
    transform(input, emit) {
      first.transform(input, (mid) => second.transform(mid, emit));
    },
    flush(emit) {
      first.flush((mid) => second.transform(mid, emit));
      second.flush(emit);
    },
  };
}

/** Runs a whole array through a stage (tests and non-streamed paths). */
export function runStage<I, O>(stage: StreamStage<I, O>, inputs: Iterable<I>): O[] {
  const out: O[] = [];
  const emit = (o: O) => out.push(o);
  for (const input of inputs) stage.transform(input, emit);
  stage.flush(emit);
  return out;
}

export function toTransformStream<I, O>(stage: StreamStage<I, O>): TransformStream<I, O> {
  return new TransformStream<I, O>({
    transform(chunk, controller) {
      stage.transform(chunk, (o) => controller.enqueue(o));
    },
    flush(controller) {
      stage.flush((o) => controller.enqueue(o));
    },
  });
}
