/** What a drop onto the window means: a folder to open, or a sentence saying why it cannot be opened. */
export type DropOutcome = { folder: string } | { message: string }

/** Why the browser cannot open a dropped folder, in plain words. */
export const BROWSER_DROP_MESSAGE =
  'A web page is not told where a dropped folder is on your computer, so in the browser type the folder’s path in the box (or drop it onto the Koalarize window).'

/**
 * The folder a drop names, from its files and the Electron bridge's `pathForFile` (absent in the
 * browser). undefined when nothing was dropped (a drag of text, say). Pure: tested without a window.
 */
export function droppedFolder(files: ArrayLike<File>, pathForFile: ((file: File) => string) | undefined): DropOutcome | undefined {
  const file = files[0]
  if (!file) return undefined
  if (!pathForFile) return { message: BROWSER_DROP_MESSAGE }
  const folder = pathForFile(file)
  if (!folder) return { message: `"${file.name}" is not a folder on this computer; drop a folder from the file manager.` }
  return { folder }
}
