export { bullmqCheck, type BullmqCheckOptions, type BullmqQueue, type BullmqJob } from './bullmq.health.js';
