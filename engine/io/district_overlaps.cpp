#include "io/district_overlaps.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <fmt/format.h>
#include <iterator>
#include <ogr_api.h>

namespace covsim::io {

// Candidate pairs come from an R-tree of the envelopes; GEOS measures each intersection.
void check_district_overlaps(const std::vector<District>& districts,
                             const std::vector<OGRGeometryUniquePtr>& geometries,
                             const std::string& file) {
    namespace bg = boost::geometry;
    namespace bgi = boost::geometry::index;
    using Pt = bg::model::point<double, 2, bg::cs::cartesian>;
    using Env = bg::model::box<Pt>;
    using Entry = std::pair<Env, std::size_t>;
    std::vector<Entry> entries;
    for (std::size_t i = 0; i < geometries.size(); ++i) {
        OGREnvelope e;
        geometries[i]->getEnvelope(&e);
        entries.emplace_back(Env(Pt(e.MinX, e.MinY), Pt(e.MaxX, e.MaxY)), i);
    }
    const bgi::rtree<Entry, bgi::quadratic<16>> tree(entries.begin(), entries.end());
    auto area_of = [](const OGRGeometry& g) {
        const auto type = wkbFlatten(g.getGeometryType());
        if (type == wkbPolygon || type == wkbMultiPolygon || type == wkbGeometryCollection) {
            return OGR_G_Area(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&g)));
        }
        return 0.0;
    };
    std::size_t pairs = 0;
    std::string first;
    for (const Entry& a : entries) {
        std::vector<Entry> hits;
        tree.query(bgi::intersects(a.first), std::back_inserter(hits));
        std::sort(hits.begin(), hits.end(),
                  [](const Entry& x, const Entry& y) { return x.second < y.second; });
        for (const Entry& b : hits) {
            if (b.second <= a.second) {
                continue;
            }
            const OGRGeometry& ga = *geometries[a.second];
            const OGRGeometry& gb = *geometries[b.second];
            OGRGeometryUniquePtr common(ga.Intersection(&gb));
            const double overlap = common ? area_of(*common) : 0.0;
            const double smaller = std::min(area_of(ga), area_of(gb));
            if (overlap > 0.01 * smaller) {
                ++pairs;
                if (first.empty()) {
                    const District& da = districts[a.second];
                    const District& db = districts[b.second];
                    first = fmt::format("districts '{}' ({}) and '{}' ({}) overlap by {:.3f} km2 "
                                        "({:.0f} % of the smaller)",
                                        da.code, da.name, db.code, db.name, overlap / 1e6,
                                        100.0 * overlap / smaller);
                }
            }
        }
    }
    if (pairs > 0) {
        throw Error(
            ErrorCode::input_data,
            fmt::format("districts file '{}': {}; expected districts that do not overlap "
                        "(more than 1 % of the smaller one){}",
                        file, first,
                        pairs > 1 ? fmt::format(", {} overlapping pairs in all", pairs) : ""));
    }
}

} // namespace covsim::io
