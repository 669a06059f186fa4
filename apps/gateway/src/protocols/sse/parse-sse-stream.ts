import type { Emit, StreamStage } from '../ir/stream-stage.js';

export interface SseEvent {
  /** the `event:` field, when present */
  event?: string;
  /** `data:` lines joined with "\n" */
  data: string;
}

/**
 * Incremental server-sent-events parser (WHATWG rules): events end at a blank line; several
 * `data:` lines are joined with "\n"; comments and unknown fields are ignored; CR, LF and CRLF all
 * end a line, even when a CRLF pair is split across chunks. Input is text (decode bytes first with a
 * streaming TextDecoder so multi-byte characters split across chunks survive).
 */
export function createSseParser(): StreamStage<string, SseEvent> {
  let buffer = '';
  let data: string[] = [];
  let eventName: string | undefined;
  let skipLeadingLf = false;

  const dispatch = (emit: Emit<SseEvent>) => {
    if (data.length > 0) {
      const ev: SseEvent = { data: data.length === 1 ? data[0]! : data.join('\n') };
      if (eventName !== undefined) ev.event = eventName;
      emit(ev);
    }
    data = [];
    eventName = undefined;
  };

  const processLine = (line: string, emit: Emit<SseEvent>) => {
    if (line.length === 0) {
      dispatch(emit);
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) return;
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    if (field === 'data') data.push(value);
    else if (field === 'event') eventName = value;
  };

  return {
    transform(chunk, emit) {
      let text = buffer + chunk;
      buffer = '';
      let start = 0;
      if (skipLeadingLf && text.charCodeAt(0) === 10) start = 1;
      skipLeadingLf = false;
      const length = text.length;
      if (text.indexOf('\r', start) === -1) {
        // the common case (LF-only framing): jump from line end to line end
        for (let i = text.indexOf('\n', start); i !== -1; i = text.indexOf('\n', start)) {
          processLine(text.slice(start, i), emit);
          start = i + 1;
        }
      } else {
        for (let i = start; i < length; i++) {
          const c = text.charCodeAt(i);
          if (c === 10 || c === 13) {
            processLine(text.slice(start, i), emit);
            if (c === 13) {
              if (i + 1 < length) {
                if (text.charCodeAt(i + 1) === 10) i++;
              } else {
                skipLeadingLf = true;
              }
            }
            start = i + 1;
          }
        }
      }
      if (start < length) buffer = text.slice(start);
      text = '';
    },
    flush(emit) {
      if (buffer.length > 0) {
        processLine(buffer, emit);
        buffer = '';
      }
      dispatch(emit);
    },
  };
}
