/**
 * SSM documents on the native REST API: create, list (stored ones and the AWS-owned
 * built-ins), show a version, update (a new version), delete. Content is checked by the
 * document core; a bad document is a 400 saying where.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { DocumentView } from "../../fleet/document-views.js";
import type { Fleet } from "../../fleet/index.js";
import type { RouteSet } from "../app.js";
import type { App } from "../context.js";
import { fleetAnswer, pageQuery, pageRequest, TagSchema } from "./fleet-common.js";
import { created, deleted, iso, json, ok, page } from "./route-parts.js";

const Name = z.object({
  name: z.string().min(1).max(128).openapi({ description: "The document name" }),
});
const Format = z.enum(["JSON", "YAML"]);
const DocumentType = z.enum(["Command", "Automation"]);
const Version = z
  .string()
  .max(16)
  .openapi({ description: "A version number, $LATEST or $DEFAULT" });
const content = {
  content: z.string().min(1).openapi({ description: "The document, JSON or YAML text" }),
  format: Format.optional().openapi({ description: "Detected from the content unless given" }),
  versionName: z.string().max(128).optional(),
};
const CreateBody = z
  .object({
    name: z.string().min(1).max(128),
    ...content,
    documentType: DocumentType.optional().openapi({ description: "Command unless given" }),
    tags: z.array(TagSchema).max(50).optional(),
  })
  .strict()
  .openapi("CreateDocument");
const UpdateBody = z.object(content).strict().openapi("UpdateDocument");

/** A document version without its content, as lists show it. */
function summaryBody(doc: DocumentView) {
  return {
    name: doc.name,
    owner: doc.owner,
    version: doc.version,
    defaultVersion: doc.defaultVersion,
    latestVersion: doc.latestVersion,
    ...(doc.versionName !== undefined && { versionName: doc.versionName }),
    documentType: doc.documentType,
    format: doc.format,
    schemaVersion: doc.schemaVersion,
    platformTypes: doc.platformTypes,
    ...(doc.description !== undefined && { description: doc.description }),
    hash: doc.hash,
    createdAt: iso(doc.createdAt),
    tags: doc.tags,
  };
}

/** A document version with its content and parameters. */
function documentBody(doc: DocumentView) {
  return { ...summaryBody(doc), parameters: doc.parameters, content: doc.content };
}

/** The document routes over the fleet. */
export function fleetDocumentRoutes(fleet: Fleet): RouteSet {
  return (app: App) => {
    app.openapi(
      createRoute({
        method: "post",
        path: "/v1/documents",
        summary: "Create a document (version 1)",
        request: { body: { required: true, ...json(CreateBody) } },
        responses: created("The document"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const view = await fleet.documents.create(c.req.valid("json"), c.get("principal").user);
          return c.json(documentBody(view), 201);
        }),
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/documents",
        summary: "List documents (stored ones by name, then the AWS-owned ones)",
        request: {
          query: z.object({
            owner: z.enum(["Self", "Amazon", "All"]).optional(),
            prefix: z.string().max(128).optional(),
            documentType: DocumentType.optional(),
            ...pageQuery(50),
          }),
        },
        responses: ok("Documents, without their content"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const { owner, prefix, documentType, ...paging } = c.req.valid("query");
          const found = await fleet.documents.list(
            {
              ...(owner && { owner }),
              ...(prefix && { namePrefix: prefix }),
              ...(documentType && { documentTypes: [documentType] }),
            },
            pageRequest(paging),
          );
          return c.json(page(found.items.map(summaryBody), found.nextToken), 200);
        }),
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/documents/{name}",
        summary: "Show a document version (its default version unless `version` is given)",
        request: { params: Name, query: z.object({ version: Version.optional() }) },
        responses: ok("The document version"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const view = await fleet.documents.get(
            c.req.valid("param").name,
            c.req.valid("query").version,
          );
          return c.json(documentBody(view), 200);
        }),
    );
    app.openapi(
      createRoute({
        method: "put",
        path: "/v1/documents/{name}",
        summary: "Write a new version of a document (the default version stays)",
        request: { params: Name, body: { required: true, ...json(UpdateBody) } },
        responses: ok("The new version"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const view = await fleet.documents.update(
            { name: c.req.valid("param").name, ...c.req.valid("json") },
            c.get("principal").user,
          );
          return c.json(documentBody(view), 200);
        }),
    );
    app.openapi(
      createRoute({
        method: "delete",
        path: "/v1/documents/{name}",
        summary: "Delete a document, or only one version of it (not the default)",
        request: {
          params: Name,
          query: z.object({ version: z.string().regex(/^\d+$/).optional() }),
        },
        responses: deleted,
      }),
      (c) =>
        fleetAnswer(c, async () => {
          await fleet.documents.delete(c.req.valid("param").name, c.req.valid("query").version);
          return c.body(null, 204);
        }),
    );
  };
}
