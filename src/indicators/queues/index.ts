export { bullmqCheck, type BullmqCheckOptions, type BullmqQueue, type BullmqJob, type BullmqJobState } from './bullmq.health.js';
export { rabbitmqCheck, type RabbitmqCheckOptions, type AmqpConnection, type AmqpChannel, type ReconnectingAmqpConnection } from './rabbitmq.health.js';
