/** aws:deleteImage: removes an image and its snapshots. */
import type { AutomationActionDefinition } from "../action.js";
import { known, required, typed } from "../inputs.js";

export const deleteImage: AutomationActionDefinition = {
  outputs: {},
  check(inputs, at) {
    known(inputs, ["ImageId"], at, "aws:deleteImage");
    required(inputs, ["ImageId"], at, "aws:deleteImage");
    typed(inputs, "ImageId", "string", at);
  },
};
