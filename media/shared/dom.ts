// DOM helpers for our webviews. Text only ever goes in through textContent: names from the user's
// workspace and runs are data, never markup.

export interface ElementProps {
  readonly className?: string;
  readonly text?: string;
  readonly title?: string;
  readonly id?: string;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  if (props.id) node.id = props.id;
  for (const c of children) node.appendChild(c);
  return node;
}

/** Replaces a <select>'s options only when they differ (keeps focus and an open dropdown stable), then selects `value`. */
export function fillSelect(select: HTMLSelectElement, options: readonly { value: string; label: string }[], value: string | null): void {
  const same = select.options.length === options.length && options.every((o, i) => select.options[i].value === o.value && select.options[i].textContent === o.label);
  if (!same) select.replaceChildren(...options.map(o => {
    const option = el('option', { text: o.label });
    option.value = o.value;
    return option;
  }));
  if (value !== null && options.some(o => o.value === value)) select.value = value;
}
