export { bullmqCheck, type BullmqCheckOptions } from './bullmq.health.js';
