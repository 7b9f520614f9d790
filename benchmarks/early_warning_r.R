# The R side of benchmarks/early_warning.py: surveillance::farringtonFlexible on the same
# series, with the same (Noufaily et al. 2013) settings, timed.
#
#   Rscript benchmarks/early_warning_r.R COUNTS.csv MONITORED OUT.csv
#
# COUNTS.csv has columns series, week, count: a complete weekly grid (weeks are
# Mondays, every series has every week). MONITORED is how many of the last weeks to
# test. Writes OUT.csv (series, week, upperbound, alarm, expected) and prints one line
#   r_seconds=<elapsed> fits=<series x weeks> surveillance=<version>
# The time covers farringtonFlexible alone (not reading the CSV or building the sts).
suppressPackageStartupMessages(library(surveillance))

args <- commandArgs(TRUE)
if (length(args) != 3) stop("usage: Rscript early_warning_r.R COUNTS.csv MONITORED OUT.csv")
counts <- read.csv(args[1], colClasses = c("character", "character", "numeric"))
monitored <- as.integer(args[2])

series <- sort(unique(counts$series))
weeks <- sort(unique(as.Date(counts$week)))
observed <- matrix(0, nrow = length(weeks), ncol = length(series),
                   dimnames = list(NULL, series))
observed[cbind(match(as.Date(counts$week), weeks), match(counts$series, series))] <- counts$count

# Weeks dated by their Monday (epochAsDate = TRUE), as `cohesion detect` reads them.
first <- isoWeekYear(weeks[1])
x <- sts(observed = observed, epoch = as.numeric(weeks), epochAsDate = TRUE,
         frequency = 52, start = c(first$ISOYear, first$ISOWeek))

# Every control given explicitly: R merges them with modifyList and silently ignores a
# misspelt name, so check them against the function's own list.
control <- list(b = 5, w = 3, noPeriods = 10, pastWeeksNotIncluded = 26,
                reweight = TRUE, weightsThreshold = 2.58, trend = TRUE,
                pThresholdTrend = 1, thresholdMethod = "nbPlugin", powertrans = "2/3",
                alpha = 0.05, limit54 = c(5, 4), populationOffset = FALSE,
                glmWarnings = FALSE,
                range = (length(weeks) - monitored + 1):length(weeks))
bad <- setdiff(names(control), names(eval(formals(farringtonFlexible)$control)))
if (length(bad)) stop("unknown control: ", toString(bad))

elapsed <- system.time(result <- farringtonFlexible(x, control = control))[["elapsed"]]

k <- result@control
out <- data.frame(
  series = rep(series, each = monitored),
  week = rep(format(weeks[control$range]), times = length(series)),
  upperbound = as.vector(upperbound(result)),
  alarm = as.integer(as.vector(alarms(result))),
  expected = as.vector(k$expected)
)
write.csv(out, args[3], row.names = FALSE, na = "")
cat(sprintf("r_seconds=%.3f fits=%d surveillance=%s\n", elapsed,
            length(series) * monitored, packageVersion("surveillance")))
