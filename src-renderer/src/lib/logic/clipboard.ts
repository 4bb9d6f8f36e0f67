/**
 * Copying a secret shown once (API keys, webhook signing secrets). When the browser refuses the clipboard
 * (an insecure context, a denied permission) the text is selected instead so Ctrl+C still works; the caller
 * tells the person which of the two happened.
 */
export async function copyOrSelect(text: string, element: HTMLElement | undefined): Promise<'copied' | 'selected'> {
  try {
    await navigator.clipboard.writeText(text);
    return 'copied';
  } catch {
    if (element) {
      const range = document.createRange();
      range.selectNodeContents(element);
      const selection = getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
    }
    return 'selected';
  }
}

export const COPY_BLOCKED_MESSAGE = 'Copy blocked by the browser: the secret is selected, press Ctrl+C.';
