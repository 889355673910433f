/**
 * The placeholder a mock media generation returns (modules.md §2.26): an inline SVG data URL, so the
 * panel can show it without any network access. Same picture as the original's `MOCK_DATA_URL`: a
 * 512×512 grey square with "MOCK" and "Preview Image".
 */
const MOCK_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">' +
  '<rect width="512" height="512" fill="#e0e0e0"/>' +
  '<text x="256" y="240" font-family="Arial" font-size="48" fill="#666" text-anchor="middle">MOCK</text>' +
  '<text x="256" y="290" font-family="Arial" font-size="24" fill="#888" text-anchor="middle">Preview Image</text>' +
  "</svg>";

function base64(text: string): string {
  // btoa is global in Node 16+ and in webviews; the SVG is ASCII.
  return btoa(text);
}

export const MOCK_MEDIA_DATA_URL = `data:image/svg+xml;base64,${base64(MOCK_SVG)}`;

/** A 1×1 transparent PNG, the mock answer of a file input (an allowed `.png` almost everywhere). */
export const MOCK_PNG_DATA_URL =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
