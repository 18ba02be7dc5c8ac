/** In-app notifications: any module sends with `notify(tx, …)` inside its own transaction. */
export { notify, type NewNotification } from './notify.service.ts';
export { notifyRoutes } from './notify.routes.ts';
