/** Debian's chromium, installed with apt-get when missing and we are root; null with the reason otherwise. */
export declare function findChromium(options?: {
  install?: boolean;
  log?: (line: string) => void;
}): { path: string } | { path: null; reason: string };
