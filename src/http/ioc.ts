import type { Request } from 'express';
import type { IocContainer, ServiceIdentifier } from '@tsoa/runtime';
import { SonarService } from '../domain/service';
import './request-state';

type ControllerClass = new (service: SonarService) => unknown;

/** Controllers get the service of the app that received the request, so that tests can run many apps. */
export const iocContainer = (request: Request): IocContainer => ({
  get<T>(controller: ServiceIdentifier<T>): T {
    return new (controller as unknown as ControllerClass)(request.app.locals.service) as T;
  },
});
