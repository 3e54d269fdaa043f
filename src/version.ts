// The version printed by `torque --version`, reported by /health and getCapabilities.
import pkg from "../package.json";
export const VERSION: string = pkg.version;
