#pragma once
// Districts must not overlap: a cell belongs to the district containing its centre, and an
// overlap would give its people to whichever district the rasterizer drew last. Slivers from
// digitising (at most 1 % of the smaller district) are tolerated. Used by the study-area loader
// and `covsim area prepare`.

#include "core/district.hpp"

#include <ogr_geometry.h>
#include <string>
#include <vector>

namespace covsim::io {

// Throws covsim::Error(input_data) naming `file`, the first overlapping pair and the number of
// pairs when two districts share more than 1 % of the smaller one's area. `geometries` are the
// districts' polygons in a projected CRS, in the order of `districts`.
void check_district_overlaps(const std::vector<District>& districts,
                             const std::vector<OGRGeometryUniquePtr>& geometries,
                             const std::string& file);

} // namespace covsim::io
