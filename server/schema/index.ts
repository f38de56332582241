// Assembles the schema: each module registers its types, queries and mutations on the builder.
import { builder } from '../builder.js';
import './common.js';
import './catalog.js';
import './machine.js';
import './configuration.js';
import './user.js';
import './session.js';
import './discovery.js';
import './clone.js';
import './rdp.js';
import './snapshot.js';
import './restore.js';
import './operation.js';
import './event.js';
import './resources.js';

export const schema = builder.toSchema({ sortSchema: true });
