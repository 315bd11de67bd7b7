#pragma once
// Planar geometry in the analysis CRS (metres), on Boost.Geometry.

#include <boost/geometry.hpp>
#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/multi_polygon.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>

namespace covsim {

namespace bg = boost::geometry;

using Point = bg::model::d2::point_xy<double>;
using Box = bg::model::box<Point>;
// Clockwise outer rings, closed (first point repeated last): Boost.Geometry's default.
using Polygon = bg::model::polygon<Point>;
using MultiPolygon = bg::model::multi_polygon<Polygon>;
using Ring = Polygon::ring_type;

} // namespace covsim
