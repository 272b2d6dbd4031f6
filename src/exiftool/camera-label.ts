/**
 * The one way a camera is named to the user (show, search's reasons, the page, the metadata pass's
 * output): EXIF's Make and Model as the camera wrote them, the make dropped when the model already
 * starts with it ("Canon" + "Canon EOS 7D" is "Canon EOS 7D", "NIKON CORPORATION" + "NIKON D810" is
 * "NIKON D810", "SONY" + "ILCE-7M3" stays "SONY ILCE-7M3").
 */
export function cameraLabel(c: { make: string | null; model: string | null }): string {
  const make = (c.make ?? '').trim();
  const model = (c.model ?? '').trim();
  if (!make) return model;
  if (!model) return make;
  const first = make.split(/\s+/)[0]!.toLowerCase();
  return model.toLowerCase().startsWith(first) ? model : `${make} ${model}`;
}
