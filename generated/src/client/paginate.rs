//! Lists read page by page: [`Client::paginate`] over the [`Paginated`] endpoints, whose
//! impls the generator writes from each endpoint's `x-endpoint.pagination`.

use futures_util::Stream;
use wecom_rooms_runtime::{NonEmptyString, Outcome, Paginated};

use super::{CallError, Cause, Client};
use crate::error::ApiError;
use crate::token::TokenStore;

impl<S: TokenStore> Client<S> {
    /// Every item of a list, page after page: `request` asks for the first page (its `cursor`
    /// is where to start, usually none), and each next page is asked for with the previous
    /// page's `next_cursor` and the same `limit`. A failed page ends the stream with its error;
    /// so does a server that hands out the same cursor twice, which would never end.
    ///
    /// ```no_run
    /// # async fn run(client: wecom_rooms::client::Client) -> Result<(), wecom_rooms::client::CallError> {
    /// use futures_util::TryStreamExt as _;
    /// use wecom_rooms::endpoints::List;
    ///
    /// let rooms: Vec<_> = client.paginate(List::new()).try_collect().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn paginate<E>(&self, request: E) -> impl Stream<Item = Result<E::Item, CallError>> + '_
    where
        E: Paginated<Response: Outcome<Failure: Into<ApiError>>> + Send + Sync + 'static,
        E::Item: 'static,
    {
        struct State<E: Paginated> {
            next: Option<E>,
            seen: std::collections::HashSet<String>,
            items: std::vec::IntoIter<E::Item>,
        }
        let state = State {
            next: Some(request),
            seen: std::collections::HashSet::new(),
            items: Vec::new().into_iter(),
        };
        futures_util::stream::unfold(state, move |mut state| async move {
            loop {
                if let Some(item) = state.items.next() {
                    return Some((Ok(item), state));
                }
                let request = state.next.take()?;
                let page = match self.call(request.clone()).await {
                    Ok(success) => E::page(success),
                    Err(error) => return Some((Err(error), state)),
                };
                if let Some(cursor) = page.next_cursor {
                    if !state.seen.insert(cursor.clone()) {
                        let error = CallError::new(
                            E::ENDPOINT.path,
                            0,
                            Cause::Pagination(format!("the cursor {cursor:?} came back twice")),
                        );
                        return Some((Err(error), state));
                    }
                    let Some(cursor) = NonEmptyString::new(cursor) else {
                        // The next request would break its schema (`cursor` is never empty).
                        let error = CallError::new(
                            E::ENDPOINT.path,
                            0,
                            Cause::Pagination("an empty next_cursor".to_owned()),
                        );
                        return Some((Err(error), state));
                    };
                    state.next = Some(request.at_cursor(cursor));
                }
                state.items = page.items.into_iter();
            }
        })
    }
}
