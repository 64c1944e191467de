import { SetMetadata } from '@nestjs/common';

/** Metadata key read by `MaintenanceGuard`. */
export const ALLOW_IN_MAINTENANCE = 'nestjs-deep-health:allow-in-maintenance';

/**
 * Lets unsafe requests (POST, PUT, PATCH, DELETE) through to a route or a whole controller while
 * the service is in read-only maintenance: logins, health-adjacent admin routes, webhooks that
 * must not be lost. On a method it overrides its controller: `@AllowInMaintenance(false)` takes
 * one route of an allowed controller back out.
 *
 * @default allow = true
 * @example
 * @Post('login')
 * @AllowInMaintenance()
 * login(@Body() body: LoginDto) { ... }
 */
export const AllowInMaintenance = (allow = true): MethodDecorator & ClassDecorator => SetMetadata(ALLOW_IN_MAINTENANCE, allow);
