/** The URL people add in Session: `<base_url>/<token>?public_key=<64 hex>`. */
export function joinUrl(baseUrl: string, token: string, publicKeyHex: string): string {
  return `${baseUrl}/${token}?public_key=${publicKeyHex}`;
}
