import * as assert from 'node:assert/strict';
import { HeldRender } from '../../../media/sidebar/heldRender';

/** The sidebar's renders against a plain EventTarget, with the "next task" run by hand. */
function setup() {
  const target = new EventTarget();
  const rendered: string[] = [];
  const tasks: Array<() => void> = [];
  const held = new HeldRender<string>(target, s => rendered.push(s), fn => tasks.push(fn));
  const fire = (type: string) => target.dispatchEvent(new Event(type));
  const runTasks = () => tasks.splice(0).forEach(t => t());
  return { target, rendered, held, fire, runTasks };
}

describe('sidebar: no render between a press and its click (a rebuilt button swallows the click)', () => {
  it('renders at once while no pointer is pressed', () => {
    const { rendered, held } = setup();
    held.request('a');
    held.request('b');
    assert.deepEqual(rendered, ['a', 'b']);
  });

  it('holds renders from the press until the task after the release, then renders the latest state once', () => {
    const { rendered, held, fire, runTasks } = setup();
    fire('pointerdown');
    held.request('a');
    held.request('b');
    assert.deepEqual(rendered, [], 'nothing replaced the pressed button');
    fire('pointerup');
    assert.deepEqual(rendered, [], 'the click of this release is dispatched first');
    runTasks();
    assert.deepEqual(rendered, ['b']);
    held.request('c');
    assert.deepEqual(rendered, ['b', 'c']);
  });

  it('a press that ends outside the view releases on pointercancel or when the view loses focus', () => {
    const { rendered, held, fire, runTasks } = setup();
    fire('pointerdown');
    held.request('a');
    fire('pointercancel');
    runTasks();
    assert.deepEqual(rendered, ['a']);
    fire('pointerdown');
    held.request('b');
    fire('blur');
    runTasks();
    assert.deepEqual(rendered, ['a', 'b']);
  });
});
