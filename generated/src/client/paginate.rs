//! Lists read page by page: [`Paginated`] endpoints and [`Client::paginate`].

use futures_util::Stream;
use wecom_rooms_runtime::{Endpoint, NonEmptyString, Outcome};

use super::{CallError, Cause, Client};
use crate::endpoint::Success;
use crate::error::ApiError;
use crate::token::TokenStore;

/// One page of a list: its items, and the cursor of the next page if there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// `next_cursor` when `has_more` is true.
    pub next_cursor: Option<String>,
}

/// An endpoint that lists by page: `cursor` in, `has_more`, `next_cursor` and a list out.
pub trait Paginated: Endpoint<Response: Outcome<Failure: Into<ApiError>>> + Clone {
    /// What the list holds.
    type Item;

    /// The same request (the same `limit`, as the pages require) for the page at `cursor`.
    fn at_cursor(&self, cursor: NonEmptyString) -> Self;

    /// The page a success holds.
    fn page(success: Success<Self>) -> Page<Self::Item>;
}

macro_rules! paginated {
    ($($module:ident: $list:ident of $item:ty),* $(,)?) => {$(
        impl Paginated for crate::meeting::rooms::$module::request::Request {
            type Item = $item;

            fn at_cursor(&self, cursor: NonEmptyString) -> Self {
                let mut next = self.clone();
                next.cursor = Some(cursor);
                next
            }

            fn page(success: Success<Self>) -> Page<$item> {
                Page {
                    items: success.$list,
                    next_cursor: if success.has_more { success.next_cursor } else { None },
                }
            }
        }
    )*};
}

paginated!(
    list: meeting_room_list of crate::meeting::rooms::list::response::MeetingRoom,
    list_meetings: meeting_info_list of crate::meeting::rooms::list_meetings::response::MeetingInfo,
    list_devices: device_info_list of crate::meeting::rooms::list_devices::response::DeviceInfo,
    list_controllers: controller_info_list of crate::meeting::rooms::list_controllers::response::ControllerInfo,
);

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
        E: Paginated + Send + Sync + 'static,
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
