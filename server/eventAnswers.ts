// Answers shared within one event: everyone who asks the same question about the same event (the
// subscribers of one session asking whether it still stands, the subscribers of one audience
// asking for the event's result) gets the one answer the first of them started. Once it has
// settled, the answer itself replaces its promise, so the askers after the first do not wait a
// microtask each (issue 16: a fan-out to 10,000 subscribers). The answers go with their event.
export class EventAnswers<T> {
  private readonly byEvent = new WeakMap<object, Map<string, T | Promise<T>>>();

  /** The answer to `key` for `event`: `ask()`ed by the first to ask, the value itself once settled. */
  get(event: object, key: string, ask: () => Promise<T>): T | Promise<T> {
    let answers = this.byEvent.get(event);
    if (!answers) this.byEvent.set(event, (answers = new Map()));
    if (answers.has(key)) return answers.get(key)!;
    const asked = ask();
    answers.set(key, asked);
    asked.then((value) => answers.set(key, value), () => {});
    return asked;
  }
}
