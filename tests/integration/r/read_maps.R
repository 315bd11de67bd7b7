# Opens covsim's GeoTIFF maps with R's terra, as an R user does, and prints what terra found:
# one line per map, tab-separated: map, layer name, is.factor, the category labels and their
# colours ("|"-separated, in value order). (terra 1.7 does not read GDAL's band units.)
#
# Usage: Rscript read_maps.R MAPS_DIR MAP...
#
# Used by tests/integration/test_results_readers.cpp (skipped where Rscript is absent); needs
# r-base-core and r-cran-terra, installed by tools/dev/common.sh with the test packages.
args <- commandArgs(trailingOnly = TRUE)
suppressWarnings(suppressPackageStartupMessages(library(terra)))
for (m in args[-1]) {
    r <- rast(file.path(args[1], paste0(m, ".tif")))
    labels <- ""
    colours <- ""
    if (is.factor(r)) {
        lv <- levels(r)[[1]]
        labels <- paste(lv[[2]], collapse = "|")
        if (has.colors(r)) {
            ct <- coltab(r)[[1]]
            rows <- ct[match(lv[[1]], ct[[1]]), ]
            colours <- paste(sprintf("#%02x%02x%02x", rows$red, rows$green, rows$blue),
                             collapse = "|")
        }
    }
    cat(m, names(r), is.factor(r), labels, colours, sep = "\t")
    cat("\n")
}
