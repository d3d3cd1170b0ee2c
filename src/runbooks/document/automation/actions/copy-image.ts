/** aws:copyImage: copies an image from a region. */
import type { AutomationActionDefinition } from "../action.js";
import { allTyped, known, required, typed } from "../inputs.js";

export const copyImage: AutomationActionDefinition = {
  outputs: { ImageId: "String", ImageState: "String" },
  cancelTarget: false,
  check(inputs, at) {
    known(
      inputs,
      [
        "SourceRegion",
        "SourceImageId",
        "ImageName",
        "ImageDescription",
        "Encrypted",
        "KmsKeyId",
        "ClientToken",
      ],
      at,
      "aws:copyImage",
    );
    required(inputs, ["SourceRegion", "SourceImageId", "ImageName"], at, "aws:copyImage");
    allTyped(
      inputs,
      ["SourceRegion", "SourceImageId", "ImageName", "ImageDescription", "KmsKeyId", "ClientToken"],
      "string",
      at,
    );
    typed(inputs, "Encrypted", "boolean", at);
  },
};
