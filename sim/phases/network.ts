// Phase 'network': this step's gas price, inclusion delay, drop probability and block capacity (congestion episodes)
import type { Phase, World } from '../world.js';

/** Sets the network's state for the step (nothing without a `network` in the scenario). */
export const networkPhase: Phase = {
  name: 'network',
  run(w) {
    if (w.network !== null) w.network.update(w.step);
  },
};
