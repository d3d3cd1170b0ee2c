/** aws:createImage: an image of a node, through its node provider. */
import type { AutomationActionDefinition } from "../action.js";
import { allTyped, known, required, typed } from "../inputs.js";

export const createImage: AutomationActionDefinition = {
  outputs: { ImageId: "String", ImageState: "String" },
  cancelTarget: false,
  check(inputs, at) {
    known(
      inputs,
      ["InstanceId", "ImageName", "ImageDescription", "NoReboot", "BlockDeviceMappings"],
      at,
      "aws:createImage",
    );
    required(inputs, ["InstanceId", "ImageName"], at, "aws:createImage");
    allTyped(inputs, ["InstanceId", "ImageName", "ImageDescription"], "string", at);
    typed(inputs, "NoReboot", "boolean", at);
    typed(inputs, "BlockDeviceMappings", "list of objects", at);
  },
};
