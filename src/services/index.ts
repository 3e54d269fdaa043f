// The service layer, assembled over one database. Transports receive this object and
// call its services; they never touch the store themselves, nor the driver: what they
// need of the database as such (where it is, a backup, outside changes) is `system`.
import type { Driver } from "../store/driver";
import { openDatabase } from "../store/open";
import { UserService } from "./access/users";
import { AppService } from "./apps";
import { AuditLog } from "./audit-log";
import { relayEvents } from "./cluster";
import { DataService } from "./dataio";
import { bindDriver } from "./driver";
import { LinkService } from "./entities/links";
import { EntityService } from "./entities/service";
import { createEventBus, type EventBus } from "./events";
import { ModelService } from "./models";
import { SystemService } from "./system";
import { UiService } from "./ui";
import { XFlowService } from "./xflow/service";

export interface Services {
  events: EventBus;
  models: ModelService;
  apps: AppService;
  entities: EntityService;
  links: LinkService;
  ui: UiService;
  data: DataService;
  xflows: XFlowService;
  system: SystemService;
  users: UserService;
  audit: AuditLog;
  close(): Promise<void>;
}

export function createServices(db: Driver): Services {
  const events = createEventBus();
  const models = new ModelService(db, events);
  const apps = new AppService(db, models, events);
  const entities = new EntityService(db, apps, events);
  const links = new LinkService(entities.ctx, entities);
  const system = new SystemService(db);
  const services = {
    events,
    models,
    apps,
    entities,
    links,
    ui: new UiService(apps, entities),
    data: new DataService(entities),
    system,
    users: new UserService(db),
  } as Services;
  services.audit = new AuditLog(db, async (slug) => (await apps.runtime(slug)).id);
  bindDriver(services, db);
  services.xflows = new XFlowService(services, db);
  const unrelay = relayEvents(db, events, entities);
  services.close = async () => {
    unrelay();
    await services.xflows.close();
    await db.close();
  };
  return services;
}

export async function openServices(url: string): Promise<Services> {
  return createServices(await openDatabase(url));
}
