/**
 * Loads every committed data file at once. Both front ends call it at start-up, so a broken
 * install (a file missing, unreadable or malformed) stops there with a `DataFileError` naming the
 * file, instead of surfacing per resource as a rule error in every preview.
 */
import { acceleratorCatalogData } from "./accelerators";
import { coefficients } from "./coefficients";
import { modelsData } from "./models";
import { allRegions } from "./regions";

/** Throws a `DataFileError` for the first data file that cannot be loaded. */
export function loadDataFiles(): void {
  allRegions();
  acceleratorCatalogData();
  coefficients();
  modelsData();
}
