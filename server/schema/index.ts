// Assembles the schema: each module registers its types, queries and mutations on the builder.
import { builder } from '../builder.js';
import './catalog.js';
import './machine.js';
import './configuration.js';
import './user.js';
import './clone.js';

export const schema = builder.toSchema({ sortSchema: true });
