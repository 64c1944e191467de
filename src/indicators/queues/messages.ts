/** Every text the queue checks (BullMQ, RabbitMQ) write. */

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const duration = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : ms >= 2000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms)} ms`);

// BullMQ
export const QUEUE_REQUIRED = (got: string) =>
  `must be a BullMQ Queue (a Worker will not do: its blocking connection can hang a probe forever), got ${got}`;
export const QUEUE_NOT_CONNECTED = (state: string) =>
  `the queue's Redis connection is ${state}; not waiting for it`;
export const QUEUE_CLIENT_NOT_READY = (status: string) =>
  `the queue's Redis client is not ready (status "${status}"); not waiting for it to reconnect`;
export const QUEUE_COMMAND_FAILED = (reason: string) => `queue query failed: ${reason}`;
export const TOO_FEW_WORKERS = (workers: number, minWorkers: number) =>
  `${plural(workers, 'worker')} connected, at least ${minWorkers} required`;
export const QUEUE_PAUSED = 'queue is paused';
export const BACKLOG = (waiting: number, threshold: number) => `${plural(waiting, 'job')} waiting (threshold ${threshold})`;
export const OLDEST_WAITING = (ageMs: number, maxAgeMs: number) =>
  `the oldest waiting job has waited ${duration(ageMs)} (limit ${duration(maxAgeMs)}): the queue looks stuck`;
export const FAILED_IN_WINDOW = (failed: number, windowMs: number, threshold: number) =>
  `${plural(failed, 'job')} failed in the last ${duration(windowMs)} (threshold ${threshold})`;

// RabbitMQ
export const RABBITMQ_SOURCE_REQUIRED = (given: 'both' | 'neither') =>
  `must be exactly one of the two (an amqplib connection, or an amqp:// URL), got ${given}`;
export const RABBITMQ_CONNECTION_REQUIRED = (got: string) => `must be an amqplib connection (with createChannel()) or an amqp-connection-manager connection, got ${got}`;
export const AMQPLIB_MISSING = (reason: string) =>
  `rabbitmqCheck({ url }) needs the "amqplib" package: npm install amqplib (${reason})`;
export const RABBITMQ_CONNECTION_CLOSED = (reason: string) => `RabbitMQ connection is closed: ${reason}`;
export const RABBITMQ_RECONNECTING = 'RabbitMQ connection is reconnecting (amqp-connection-manager has no connection now); not waiting for it';
export const RABBITMQ_CONNECT_FAILED = (reason: string) => `cannot connect to RabbitMQ: ${reason}`;
export const RABBITMQ_QUEUE_MISSING = (queue: string) => `queue "${queue}" does not exist`;
export const RABBITMQ_CHECK_FAILED = (reason: string) => `queue check failed: ${reason}`;
export const TOO_FEW_CONSUMERS = (consumers: number, minConsumers: number) =>
  `${plural(consumers, 'consumer')}, at least ${minConsumers} required`;
export const READY_MESSAGES = (ready: number, threshold: number) =>
  `${plural(ready, 'message')} ready (threshold ${threshold})`;
