/**
 * Renders the sidebar, except while a pointer is pressed in it. Every state push rebuilds the DOM
 * (twice a second while a study runs); a rebuild between a button's press and its release replaces
 * the button, and the browser then fires no click at all — the user's click (on a trial's notebook,
 * Stop…) is silently lost, more often the busier the machine. A render asked for meanwhile runs once
 * the click has been dispatched (the next task after the release), with the latest state.
 */
export class HeldRender<S> {
  private pressed = false;
  private pending: { state: S } | undefined;

  constructor(
    target: EventTarget,
    private readonly render: (state: S) => void,
    private readonly later: (fn: () => void) => void = fn => setTimeout(fn, 0),
  ) {
    target.addEventListener('pointerdown', () => (this.pressed = true), true);
    // pointerup, mouseup and click are dispatched in one task: render after it. A press that ends
    // outside the view (pointercancel, the view itself losing focus — not an element in it, which
    // every press on a button causes) releases too, so renders never stall.
    const end = (e: Event) => (e.type !== 'blur' || e.target === target) && this.later(() => this.release());
    for (const type of ['pointerup', 'pointercancel', 'blur']) target.addEventListener(type, end, true);
  }

  request(state: S): void {
    if (this.pressed) {
      this.pending = { state };
      return;
    }
    this.render(state);
  }

  private release(): void {
    this.pressed = false;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) this.render(pending.state);
  }
}
