/** AWS JSON protocol framing: services, targets, bodies, errors, timestamps. */
export * from "./body.js";
export * from "./errors.js";
export * from "./services.js";
export * from "./sfn-errors.js";
export * from "./target.js";
export * from "./timestamp.js";
